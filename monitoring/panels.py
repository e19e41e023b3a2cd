"""Uploads on the home page: result files and lists of schools or staff that were checked and
wait for the uploader's (or the methodist's) confirmation; nothing when none waits."""

from urllib.parse import urlencode

from django.urls import reverse

from tutoring.extensions import Waiting, queue_panel
from tutoring.imports import selectors as directory_selectors
from tutoring.imports.forms import DirectoryImportFilter
from tutoring.models import DirectoryImport, RoleKind

from . import selectors
from .filters import ImportBatchFilter
from .models import ImportBatch


def home_panel(user, access):
    items = []
    if access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
        params = {"status": ImportBatch.Status.READY}
        count = ImportBatchFilter(params, queryset=selectors.batches_for(access)).qs.count()
        if count:
            url = f"{reverse('monitoring:import_list')}?{urlencode(params)}"
            items.append(Waiting("Результаты проверены и ждут подтверждения загрузки", url, count))
    if access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN, RoleKind.SCHOOL):
        params = {"status": DirectoryImport.Status.READY}
        imports = directory_selectors.imports_for(access)
        count = DirectoryImportFilter(params, queryset=imports).qs.count()
        if count:
            url = f"{reverse('imports:list')}?{urlencode(params)}"
            label = "Списки школ и сотрудников проверены и ждут подтверждения"
            items.append(Waiting(label, url, count))
    return queue_panel("Загрузки: что ждёт подтверждения", items, slug="uploads")
