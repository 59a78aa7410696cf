from django.urls import path

from jixiao.web.results import views

app_name = "results"

urlpatterns = [
    path("analytics/", views.analytics, name="analytics"),
    path("analytics/<slug:chart>.xlsx", views.analytics_export, name="analytics_export"),
]
