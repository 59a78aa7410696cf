from django.urls import path

from jixiao.web.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.declaration, name="declaration"),
    path("<int:pk>/review/", views.declaration_review, name="review"),
    path("<int:pk>/form.<str:fmt>", views.declaration_download, name="download"),
    path("<int:pk>/adjust/", views.adjustment_request, name="adjust"),
    path("<int:pk>/adjust/<int:adjustment_pk>/", views.adjustment_decide, name="adjust_decide"),
    path("library/", views.library, name="library"),
    path("library/suggest/", views.library_suggest, name="library_suggest"),
    path("library/export.xlsx", views.library_export, name="library_export"),
    path("library/import/", views.library_import, name="library_import"),
    path("monitoring/", views.rounds, name="rounds"),
    path("monitoring/<int:pk>/", views.round_overview, name="round"),
    path("monitoring/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("monitoring/report/<int:pk>/", views.report, name="report"),
    path("monitoring/report/<int:pk>/decision/", views.decision, name="decision"),
]
