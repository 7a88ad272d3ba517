import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiedan.taxonomy.models import Category, Skill

_seq = itertools.count()


def image_upload(name="work.png", size=(1600, 1000), color=(30, 120, 200), fmt="PNG"):
    """A real picture with some structure (so a watermark shows), as an upload."""
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def pdf_upload(name="brief.pdf"):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def category(db):
    n = next(_seq)
    return Category.objects.create(slug=f"cat-{n}", name_zh=f"类目{n}", name_en=f"Category {n}")


@pytest.fixture
def make_skill(category):
    def make(**fields):
        n = next(_seq)
        defaults = {"slug": f"skill-{n}", "name_zh": f"技能{n}", "name_en": f"Skill {n}"}
        return Skill.objects.create(category=category, **{**defaults, **fields})

    return make


@pytest.fixture
def skills(make_skill):
    return [make_skill() for _ in range(5)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Public uploads go to a fresh folder per test (private ones to the test settings' own)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
