from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Boardwalk planner"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from planner.images import configure_pillow

        configure_pillow()
