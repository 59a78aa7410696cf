from django.urls import path

from jixiao.web.evaluations import downloads
from jixiao.web.portal import views

assert downloads.FORMATS  # importing downloads registers the <fmt:…> converter

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("evaluations/<int:pk>/", views.detail, name="detail"),
    path("evaluations/<int:pk>/report.<fmt:fmt>", views.download, name="download"),
]
