"""`python build.py publish`: send the built output to a target declared in site.yaml.

Its settings (site.yaml's `publish:` key) are read with the rest of site.yaml: read/publish_settings.py.

plan.py      what to upload (in a safe order) and delete, from the output's manifest (pure)
record.py    per target, what was last published there, saved as each upload lands
headers.py   Content-Type and Cache-Control of each file (S3)
s3.py        S3-compatible stores through boto3
rsync.py     a folder on a server, through the system's rsync over SSH
command.py   the command: refusals, strict check, plan, guard, run, summary
"""
