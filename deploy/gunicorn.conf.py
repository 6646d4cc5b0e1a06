"""How gunicorn serves the wiki: `make run` reads this file, and so does every benchmark in
tests/bench, so what is measured is what runs. README.md ("Server setup") gives the figures
behind the choice; tests/bench/bench_servers.py measures the alternatives again."""

worker_class = "gthread"
workers = 3
threads = 4
