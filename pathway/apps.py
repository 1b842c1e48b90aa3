from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Pathway to Change"

    def ready(self):
        # The case's workers re-evaluate the children's Spectrum level from the assessment; the
        # spectrum app asks its registered scopes rather than importing this app (docs/pathway.md).
        from pathway.services import spectrum_recorder_allows
        from spectrum.scope import recorder_scope_register

        recorder_scope_register(spectrum_recorder_allows)
