"""Reading the CSV files people export from spreadsheets, as they are: any common encoding and
delimiter, title rows above the header, footnotes below, Indonesian number and date formats.

text.py decodes and splits the file, layout.py finds the table in it, names.py names its columns,
cells.py types them, codes.py links region codes, keys.py guesses the primary key. Each step
records what it assumed or changed as a Note, which `portal new` shows the publisher.
"""
