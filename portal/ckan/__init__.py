"""A read-only CKAN Action API over the catalog, so CKAN harvesters (data.go.id, Satu Data Indonesia)
and clients such as ckanapi can harvest the portal as if it were a CKAN 2.11 site.

Pure functions over ``Catalog`` objects; ``portal/views/ckan_api.py`` only reads the request and wraps
what comes back in CKAN's envelope. One concern per module: ``solr`` parses queries, ``matching``
applies them to package dicts, ``dictize`` builds the dicts, ``search`` is package_search,
``actions`` and ``listings`` the other actions, ``errors`` CKAN's error answers.
"""
