from django.urls import path

from consent import api

urlpatterns = [
    path("records/", api.ConsentRecordListCreate.as_view(), name="api-consent-records"),
    path("exceptions/", api.ConsentExceptionListCreate.as_view(), name="api-consent-exceptions"),
    path("check/", api.ConsentCheck.as_view(), name="api-consent-check"),
]
