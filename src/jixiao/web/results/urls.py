from django.urls import path

from jixiao.web.results import application_views, department_views, rectification_views, reevaluation_views, views

app_name = "results"

urlpatterns = [
    path("analytics/", views.analytics, name="analytics"),
    path("analytics/<slug:chart>.xlsx", views.analytics_export, name="analytics_export"),
    path("rectification/", rectification_views.item_list, name="rectification"),
    path("rectification/new/", rectification_views.item_create, name="item_create"),
    path("rectification/<int:pk>/", rectification_views.item_detail, name="item"),
    path("rectification/<int:pk>/evidence/", rectification_views.item_upload, name="item_upload"),
    path("rectification/<int:pk>/<slug:action>/", rectification_views.item_move, name="item_move"),
    path(
        "rectification/<int:pk>/evidence/<int:evidence_pk>/",
        rectification_views.item_evidence,
        name="item_evidence",
    ),
    path("evaluations/<int:pk>/rectification/", rectification_views.from_evaluation, name="from_evaluation"),
    path("monitoring-decisions/<int:pk>/rectification/", rectification_views.from_decision, name="from_decision"),
    path("evaluations/<int:pk>/re-evaluation/", reevaluation_views.re_evaluate, name="re_evaluate"),
    path("evaluations/<int:pk>/department/", department_views.department, name="department"),
    path("evaluations/<int:pk>/department/remove/", department_views.department_remove, name="department_remove"),
    path("application/", application_views.application, name="application"),
    path("application/build/", application_views.build, name="application_build"),
    path("application/confirm/", application_views.confirm, name="application_confirm"),
    path("application/export.xlsx", application_views.export, name="application_export"),
    path("application/lines/<int:pk>/", application_views.adjust, name="application_adjust"),
    path("rules/", application_views.rules, name="rules"),
    path("coverage/", application_views.coverage, name="coverage"),
]
