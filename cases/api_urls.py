from django.urls import path

from cases import api

app_name = "cases-api"

case = "<uuid:case_id>/"

urlpatterns = [
    path("", api.CaseListApi.as_view(), name="case-list"),
    path(case, api.CaseDetailApi.as_view(), name="case-detail"),
    path(f"{case}intake/", api.CaseIntakeApi.as_view(), name="case-intake"),
    path(f"{case}allocate/", api.CaseAllocateApi.as_view(), name="case-allocate"),
    path(f"{case}transfer/", api.CaseTransferApi.as_view(), name="case-transfer"),
    path(f"{case}close/", api.CaseCloseApi.as_view(), name="case-close"),
]
