import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutoring.settings")

app = Celery("tutoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels with the tasks a request queues and is set in the worker around them.
import tutoring.request_id  # noqa: E402, F401
