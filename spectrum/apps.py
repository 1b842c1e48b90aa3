from django.apps import AppConfig


class SpectrumConfig(AppConfig):
    name = "spectrum"
    verbose_name = "Spectrum of Support"
