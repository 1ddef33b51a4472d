"""Run the real, unmodified ckanext-harvest CKANHarvester against a CKAN Action API over HTTP.

What is real: CKANHarvester and HarvesterBase (ckanext-harvest 1.6.3), ckanext-harvest's SQLAlchemy model
(HarvestSource/Job/Object/errors) and its own stage drivers (ckanext.harvest.queue.gather_stage and
fetch_and_import_stages), CKAN 2.12's ckan.model (Session, Package, Group tables), its config with the core
and harvest config declarations, toolkit.get_action, and CKAN's own navl validation with the schema the
harvester passes to package_create / package_update.

What is replaced (each says why below): the database (in-memory SQLite instead of PostgreSQL, two
dialect shims) and the actions the harvester calls on the *local* CKAN (package_show/create/update,
group_show/create, organization_show/create), because a real CKAN would need PostgreSQL and Solr.

    from harness import run_harvest
    result = run_harvest("http://127.0.0.1:18765", {"organizations_filter_include": ["a", "b"]})
    result.requests, result.gathered_guids, result.imported, result.gather_errors, result.object_errors
"""

from __future__ import annotations

import copy
import datetime
import json
import os
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa
import yaml
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles

import ckan.logic
from ckan import model
from ckan.common import config, config_declaration
from ckan.lib.navl.dictization_functions import validate
from ckan.logic import NotFound, ValidationError
from ckan.model import meta

import ckanext.harvest
from ckanext.harvest import queue
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError, HarvestSource

LOCAL_ORG = "harvest-source-org"  # the organization owning the harvest source on the local CKAN
HARVEST_USER = "harvest"


# --- database -----------------------------------------------------------------------------------------
# CKAN only runs on PostgreSQL. SQLite in memory stands in for it so that every query the harvester and
# the validators make (last_error_free_job, _ensure_name_is_unique, package_name_validator,
# owner_org_validator, resource_id_does_not_exist ...) runs for real against CKAN's own table definitions.

@compiles(JSONB, "sqlite")
def _jsonb_as_json(type_, compiler, **kw):  # package.extras / plugin_data are JSONB columns
    return "JSON"


def _postgres_only_statements(conn, cursor, statement, parameters, context, executemany):
    # HarvesterBase._create_or_update_package (base.py:347) runs
    # "SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"; SQLite has no such statement (and does
    # not enforce foreign keys by default, which is what deferring achieves).
    if statement.lstrip().upper().startswith("SET CONSTRAINTS"):
        return "SELECT 1", ()
    return statement, parameters


def new_database() -> sa.Engine:
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool,
                              connect_args={"check_same_thread": False})
    sa.event.listen(engine, "before_cursor_execute", _postgres_only_statements, retval=True)
    # CKAN's tables as declared, minus what only PostgreSQL can create: indexes on expressions such as
    # upper(name::text) and CHECK constraints using jsonb_typeof / jsonb_path_exists.
    sqlite_tables = sa.MetaData()
    for table in meta.metadata.sorted_tables:
        copy_ = table.to_metadata(sqlite_tables)
        copy_.indexes.clear()
        copy_.constraints = {c for c in copy_.constraints if not isinstance(c, sa.CheckConstraint)}
        for column in copy_.columns:
            column.constraints = set()
    sqlite_tables.create_all(engine)
    model.init_model(engine)  # binds ckan.model.Session (used by the harvester and ckanext-harvest)
    return engine


# --- config -------------------------------------------------------------------------------------------

def setup_config() -> None:
    """CKAN's real config object with its core defaults and ckanext-harvest's declared options."""
    if not len(config_declaration):
        config_declaration.load_core_declaration()
        path = os.path.join(os.path.dirname(ckanext.harvest.__file__), "config_declaration.yml")
        with open(path) as handle:
            config_declaration.load_dict(yaml.safe_load(handle))
        config_declaration.make_safe(config)
        config_declaration.normalize(config)
    # Without it _get_user_name (base.py:151) calls user_show / get_site_user, i.e. users in the database.
    config["ckanext.harvest.user_name"] = HARVEST_USER


# --- the local CKAN's actions -------------------------------------------------------------------------
# ckan.logic.get_action returns from ckan.logic._actions once it is filled (logic/__init__.py:498), so the
# harvester's own get_action / toolkit.get_action calls reach these. Any action not listed raises KeyError,
# which shows at once if the harvester needs another one.

@dataclass
class Local:
    """The local CKAN: its database and what the stubbed actions stored or were asked."""

    engine: sa.Engine
    source: HarvestSource
    packages: dict[str, dict] = field(default_factory=dict)  # id -> validated package dict
    calls: list[dict] = field(default_factory=list)  # every stubbed action call, in order


def make_actions(local: Local) -> dict:
    def record(action, data_dict, **extra):
        local.calls.append({"action": action, "data_dict": copy.deepcopy(data_dict), **extra})

    def package_show(context, data_dict):
        record("package_show", data_dict)
        wanted = data_dict["id"]
        if wanted == local.source.id:  # a harvest source is itself a dataset; its org owns what it harvests
            return {"id": local.source.id, "name": "harvest-source", "type": "harvest", "owner_org": LOCAL_ORG}
        for package in local.packages.values():
            if wanted in (package["id"], package["name"]):
                return copy.deepcopy(package)
        raise NotFound("Dataset not found")

    def save_package(action):
        def save(context, data_dict):
            # As package_create / package_update do (create.py:169-182): validate with the schema the caller
            # put in the context (the harvester's, base.py:260-262), and raise ValidationError on errors.
            schema = context.get("schema") or ckan.logic.schema.default_create_package_schema()
            data, errors = validate(copy.deepcopy(data_dict), schema, context)
            record(action, data_dict, validated=copy.deepcopy(data), errors=errors)
            if errors:
                model.Session.rollback()
                raise ValidationError(errors)
            # Enough of a row for _ensure_name_is_unique (base.py:119) and package_name_validator.
            row = model.Session.get(model.Package, data["id"]) or model.Package(id=data["id"])
            row.name, row.title, row.state, row.type = data["name"], data.get("title"), "active", "dataset"
            row.owner_org = data.get("owner_org")
            model.Session.add(row)
            # package_show answers in JSON types (datetimes as ISO strings), and package_create keeps a given
            # metadata_modified (create.py:202): the harvester compares it as a string (base.py:297).
            local.packages[data["id"]] = json.loads(json.dumps(data, default=datetime.datetime.isoformat))
            return copy.deepcopy(local.packages[data["id"]])
        return save

    def group_show(is_org):
        def show(context, data_dict):
            record("organization_show" if is_org else "group_show", data_dict)
            group = model.Group.get(data_dict["id"])  # by id or name, as the real one
            if group is None or group.is_organization != is_org:
                raise NotFound("Organization was not found." if is_org else "Group was not found.")
            return {"id": group.id, "name": group.name, "title": group.title, "type": group.type}
        return show

    def group_create(is_org):
        def create(context, data_dict):
            action = "organization_create" if is_org else "group_create"
            schema = ckan.logic.schema.default_create_group_schema()  # DefaultGroupForm's (lib/plugins.py:502)
            data, errors = validate(copy.deepcopy(data_dict), schema, context)
            record(action, data_dict, validated=copy.deepcopy(data), errors=errors)
            if errors:
                model.Session.rollback()
                raise ValidationError(errors)
            group = model.Group(name=data["name"], title=data.get("title", ""), is_organization=is_org,
                                type="organization" if is_org else "group")
            group.id = data.get("id") or group.id
            model.Session.add(group)
            model.Session.commit()
            return {"id": group.id, "name": group.name}
        return create

    return {"package_show": package_show, "package_create": save_package("package_create"),
            "package_update": save_package("package_update"),
            "group_show": group_show(False), "organization_show": group_show(True),
            "group_create": group_create(False), "organization_create": group_create(True)}


def new_local(base_url: str, harvest_config: dict, local_groups: tuple[str, ...] = (),
              local_orgs: tuple[str, ...] = ()) -> Local:
    """A fresh local CKAN holding one harvest source, its organization, and the given groups/orgs."""
    setup_config()
    engine = new_database()
    # ckanext.harvest.user_name names a sysadmin in a real site; validators such as empty_if_not_sysadmin
    # look the user up (import_stage's base_context has no ignore_auth).
    model.Session.add(model.User(name=HARVEST_USER, sysadmin=True, email="harvest@localhost", password="x"))
    for name in (LOCAL_ORG, *local_orgs):
        model.Session.add(model.Group(name=name, title=name, is_organization=True, type="organization"))
    for name in local_groups:
        model.Session.add(model.Group(name=name, title=name, is_organization=False, type="group"))
    source = HarvestSource(url=base_url, type="ckan", title="harvest source", config=json.dumps(harvest_config))
    source.save()
    local = Local(engine, source)
    ckan.logic._actions.clear()
    ckan.logic._actions.update(make_actions(local))
    return local


# --- a run --------------------------------------------------------------------------------------------

@dataclass
class Result:
    requests: list[dict]  # every requests.get the harvester made: url, status, body (cut)
    gathered_guids: list[str] | None  # guid of each HarvestObject gather_stage created (None: it failed)
    gather_errors: list[str]
    objects: list[dict]  # per harvest object: guid, state, report_status, errors
    imported: list[dict]  # package_create/package_update calls: the dict passed, validated, errors
    calls: list[dict]  # every local action call
    exception: str | None
    local: Local


def run_harvest(base_url: str, harvest_config: dict, previous_job_finished: datetime.datetime | None = None,
                local: Local | None = None, local_groups: tuple[str, ...] = (),
                local_orgs: tuple[str, ...] = ()) -> Result:
    """One harvest job: gather, then fetch and import every gathered object.

    previous_job_finished: a finished, error-free earlier job of this source is added with this
    gather_started time, so gather_stage takes its incremental path (ckanharvester.py:217-249).
    local: a Local from an earlier Result to harvest again into the same local CKAN (its earlier job then
    is the real previous job)."""
    if local is None:
        local = new_local(base_url, harvest_config, local_groups, local_orgs)
    source = local.source
    source.config = json.dumps(harvest_config)
    if previous_job_finished is not None:
        HarvestJob(source=source, status="Finished", gather_started=previous_job_finished,
                   gather_finished=previous_job_finished, finished=previous_job_finished).save()
    job = HarvestJob(source=source, status="Running")
    job.save()
    calls_before = len(local.calls)

    sent: list[dict] = []
    real_get = requests.get

    def recording_get(url, *args, **kwargs):  # records only; the harvester gets the real response
        response = real_get(url, *args, **kwargs)
        sent.append({"url": url, "status": response.status_code, "body": response.text[:300]})
        return response

    harvester = CKANHarvester()
    exception, object_ids = None, None
    requests.get = recording_get
    try:
        harvester.validate_config(source.config)  # as ckanext-harvest does when a source is saved
        object_ids = queue.gather_stage(harvester, job)  # ckanext-harvest's own driver (queue.py:429)
        for object_id in object_ids or []:
            queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))  # queue.py:510
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        exception = f"{type(error).__name__}: {error}"
        model.Session.rollback()
    finally:
        requests.get = real_get
    job.status, job.finished = "Finished", datetime.datetime.utcnow()  # as harvest_jobs_run marks it
    job.save()

    objects = [{"guid": o.guid, "state": o.state, "report_status": o.report_status, "current": o.current,
                "package_id": o.package_id,
                "errors": [f"{e.stage}: {e.message}" for e in
                           model.Session.query(HarvestObjectError).filter_by(harvest_object_id=o.id)]}
               for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id)]
    gather_errors = [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id)]
    calls = local.calls[calls_before:]
    return Result(
        requests=sent,
        gathered_guids=None if object_ids is None else [HarvestObject.get(i).guid for i in object_ids],
        gather_errors=gather_errors, objects=objects,
        imported=[c for c in calls if c["action"] in ("package_create", "package_update")],
        calls=calls, exception=exception, local=local)
