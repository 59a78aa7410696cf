from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "jixiao.web.targets"
    label = "targets"
    verbose_name = "绩效目标与运行监控"
    default_auto_field = "django.db.models.BigAutoField"
