"""Celery settings of the bench workers (dagster_celery.app imports this module by name)."""

import os

broker_url = os.environ["BUDGET_CLUSTER_BROKER"]
result_backend = os.environ["BUDGET_CLUSTER_BACKEND"]
worker_prefetch_multiplier = 1  # a worker takes one run at a time: the runs spread out
