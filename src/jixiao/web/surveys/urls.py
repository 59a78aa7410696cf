from django.urls import path

from jixiao.web.surveys import public, views

app_name = "surveys"

urlpatterns = [
    path("evaluations/<int:pk>/surveys/", views.index, name="index"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/", views.detail, name="detail"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/edit/", views.edit, name="edit"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/open/", views.open_, name="open"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/close/", views.close, name="close"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/apply/", views.apply, name="apply"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/invitations/", views.invitations, name="invitations"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/answers.xlsx", views.export, name="export"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/poster/", views.poster, name="poster"),
    path("evaluations/<int:pk>/surveys/<int:survey_pk>/groups/<int:group_pk>/qr.<str:fmt>", views.qr, name="qr"),
    path("s/<slug:slug>/", public.answer, name="answer"),
    path("s/<slug:slug>/thanks/", public.thanks, name="thanks"),
]
