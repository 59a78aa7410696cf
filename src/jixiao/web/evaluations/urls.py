from django.urls import path

from jixiao.web.evaluations import downloads, edit_views, views

assert downloads.FORMATS  # importing downloads registers the <fmt:…> converter

app_name = "evaluations"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("evaluations/new/", views.create, name="create"),
    path("evaluations/<int:pk>/", views.detail, name="detail"),
    path("evaluations/<int:pk>/history/", views.history, name="history"),
    path("evaluations/<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("evaluations/<int:pk>/versions/<int:number>/document.json", views.version_document, name="version_document"),
    path("evaluations/<int:pk>/versions/<int:number>/report.<fmt:fmt>", views.version_report, name="version_report"),
    path("evaluations/<int:pk>/edit/<slug:section>/", edit_views.edit, name="edit"),
    path("evaluations/<int:pk>/live/<slug:section>/", edit_views.live, name="live"),
    path("evaluations/<int:pk>/evidence/", edit_views.evidence, name="evidence"),
    path("evaluations/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("evaluations/<int:pk>/evidence/<int:evidence_pk>/delete/", edit_views.evidence_delete, name="evidence_delete"),
    path("evaluations/<int:pk>/import/", edit_views.import_table, name="import"),
    path("evaluations/<int:pk>/import/confirm/", edit_views.import_confirm, name="import_confirm"),
    path("evaluations/<int:pk>/submit/", views.submit, name="submit"),
    path("evaluations/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("evaluations/<int:pk>/return/", views.return_, name="return"),
    path("evaluations/<int:pk>/approve/", views.approve, name="approve"),
    path("evaluations/<int:pk>/publish/", views.publish, name="publish"),
    path("evaluations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
