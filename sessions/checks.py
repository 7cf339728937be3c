"""System checks: the steps of the code and of the reference data agree."""

from django.core import checks

from matrices.reference import STEP_KEYS


@checks.register()
def steps_match_reference_data(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from .models import Step
    from .steps import REGISTRY

    errors = []
    if tuple(Step.values) != STEP_KEYS:
        errors.append(
            checks.Error(
                f"The steps {Step.values} differ from matrices/data/zrm.json {list(STEP_KEYS)}.",
                id="casework.E001",
            )
        )
    missing = set(Step) - set(REGISTRY)
    if missing:
        errors.append(
            checks.Error(
                f"Steps without an entry in sessions/steps.py: {sorted(missing)}",
                id="casework.E002",
            )
        )
    return errors
