from django.urls import path

from jixiao.web.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="export"),
    path("<int:pk>/", views.review, name="review"),
]
