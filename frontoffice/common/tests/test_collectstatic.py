"""The production static files: collectstatic with the hashed manifest."""

from django.core.management import call_command


def test_collectstatic_builds_the_manifest(settings, tmp_path):
    # Every vendored file that references another (a source map, a font)
    # must find it, or collectstatic stops and every page answers 500.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }

    call_command("collectstatic", "--noinput", verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js"))
