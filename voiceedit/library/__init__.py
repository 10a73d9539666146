"""The footage library: many files transcribed once (on a Dask cluster), stored in one SQLite
file (store.py), searched across all of them at once (search.py); jobs.py runs the work."""
