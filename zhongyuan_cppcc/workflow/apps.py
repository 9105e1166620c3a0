from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zhongyuan_cppcc.workflow"
    label = "workflow"
    verbose_name = "工作流"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the start-up checks
