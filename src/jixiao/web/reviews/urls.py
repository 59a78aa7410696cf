from django.urls import path

from jixiao.web.reviews import report_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="export"),
    path("<int:pk>/", views.review, name="review"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/value/", report_views.report_value, name="report_value"),
    path("reports/<int:pk>/draft/", report_views.report_draft, name="report_draft"),
]
