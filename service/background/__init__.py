"""The background duties: jobs accepted with a 202, webhook and Slack deliveries with their retries,
jobs left unfinished by a process that died, and retention.

Two ways to do them, one per kind of database:

- PostgreSQL (`queue`): on procrastinate's queue, in the same database. Every replica and every
  `wirebrief worker` takes work from it; a process that dies stops sending heartbeats and its work
  is handed to the others.
- SQLite (`one_machine`): one machine, so one of its processes (the holder of a file lock beside the
  database) sends the deliveries and resumes jobs; every process runs the jobs it accepts.
"""
