"""Media library rules: files checked by content, size and pixel limits, variants never
upscaled, metadata stripped, missing alt texts and the refusals and addresses they lead to."""

from __future__ import annotations

import io
import uuid

import pytest
from newsletter.campaigns.domain import parse_content
from newsletter.composer.domain import refusals
from newsletter.errors import InvalidInput
from newsletter.mail.blocks import campaign_source
from newsletter.media.domain import Media, missing_alt_texts, resolve_images, variant_widths
from newsletter.media.images import renditions
from PIL import Image

LIMITS = {"max_bytes": 5_000_000, "max_pixels": 40_000_000}


def image_bytes(width: int, height: int, fmt: str = "PNG", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def test_a_text_file_named_png_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        renditions(b"hello, I am text pretending to be a picture\n" * 10, **LIMITS)
    assert refused.value.field == "file"


def test_a_truncated_png_is_refused() -> None:
    with pytest.raises(InvalidInput):
        renditions(image_bytes(800, 600)[:200], **LIMITS)


def test_an_image_over_the_byte_limit_is_refused() -> None:
    data = image_bytes(800, 600)
    with pytest.raises(InvalidInput, match="too large"):
        renditions(data, max_bytes=len(data) - 1, max_pixels=40_000_000)


def test_an_image_over_the_pixel_limit_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidInput, match="too many pixels"):
        renditions(image_bytes(2000, 2000), max_bytes=5_000_000, max_pixels=1_000_000)


def test_other_formats_pillow_knows_are_refused() -> None:
    with pytest.raises(InvalidInput, match="PNG, JPEG"):
        renditions(image_bytes(100, 100, "BMP"), **LIMITS)


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"),
                                         ("GIF", "gif")])  # fmt: skip
def test_a_wide_image_gets_600_and_1200_variants_and_keeps_its_original(fmt: str, ext: str) -> None:
    made = {r.variant: r for r in renditions(image_bytes(1600, 800, fmt), **LIMITS)}
    assert set(made) == {"original", "w600", "w1200"}
    assert (made["original"].width, made["w600"].width, made["w1200"].width) == (1600, 600, 1200)
    assert made["w600"].height == 300
    assert {r.ext for r in made.values()} == {ext}
    assert Image.open(io.BytesIO(made["w600"].data)).format == fmt


def test_variants_are_never_upscaled() -> None:
    assert variant_widths(500) == []
    assert variant_widths(600) == []
    assert variant_widths(1000) == [600]
    made = renditions(image_bytes(400, 300), **LIMITS)
    assert [(r.variant, r.width) for r in made] == [("original", 400)]


def test_exif_is_stripped_from_every_variant() -> None:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2026:01:01 10:00:00"  # DateTime
    data = image_bytes(1300, 700, "JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()
    for made in renditions(data, **LIMITS):
        opened = Image.open(io.BytesIO(made.data))
        assert not opened.getexif(), made.variant
        assert b"SecretCam" not in made.data


def test_missing_alt_texts_lists_languages_without_text() -> None:
    image = Media(id="m", name="kuva.png", alt={"fi": "Kahvikuppi", "sv": "  ", "en": ""})
    assert missing_alt_texts(image, ["fi", "sv", "en", "sv"]) == ["sv", "en"]
    assert missing_alt_texts(image, ["fi"]) == []
    assert missing_alt_texts(Media(id="m", name="x"), ["fi"]) == ["fi"]


def library_content(alt_sv: str = "") -> dict[str, object]:
    media_id = str(uuid.uuid4())
    return {
        lang: {"subject": "S", "blocks": [{"type": "image", "media": media_id, "alt": alt}]}
        for lang, alt in (("fi", ""), ("sv", alt_sv))
    }


def test_a_library_image_without_sv_alt_text_refuses_sending_naming_image_and_language() -> None:
    content = library_content()
    media_id = content["fi"]["blocks"][0]["media"]  # type: ignore[index]
    image = Media(id=media_id, name="kahvi.png", alt={"fi": "Kahvikuppi"})
    found = refusals(
        parse_content(content, "fi"),
        fallback="fi",
        audience_languages=[],
        broken_links={},
        media={media_id: image},
    )
    assert [(r.field, r.message) for r in found] == [
        ("content.sv.blocks.0.alt", "The image kahvi.png has no alt text in sv.")
    ]


def test_a_block_alt_text_overrides_the_library_and_a_missing_image_is_refused() -> None:
    content = library_content(alt_sv="Kaffekopp")
    media_id = content["fi"]["blocks"][0]["media"]  # type: ignore[index]
    image = Media(id=media_id, name="kahvi.png", alt={"fi": "Kahvikuppi"})
    variants = parse_content(content, "fi")
    ok = refusals(variants, fallback="fi", audience_languages=[], broken_links={},
                  media={media_id: image})  # fmt: skip
    assert ok == []
    gone = refusals(variants, fallback="fi", audience_languages=[], broken_links={}, media={})
    assert {r.field for r in gone} == {"content.fi.blocks.0.media", "content.sv.blocks.0.media"}


def test_frozen_library_images_render_with_absolute_address_and_library_alt() -> None:
    content = library_content(alt_sv="Kaffekopp")
    media_id = content["fi"]["blocks"][0]["media"]  # type: ignore[index]
    image = Media(id=media_id, name="kahvi.png", alt={"fi": "Kahvikuppi", "sv": "Kopp"})
    path = f"/newsletter/media/{media_id}/w600-0123456789abcdef.png"
    frozen = resolve_images(content, {media_id: (image, path)})
    variants = parse_content(frozen, "fi")
    assert variants["fi"].blocks[0].alt == "Kahvikuppi"
    assert variants["sv"].blocks[0].alt == "Kaffekopp"  # the block's own text wins
    source = campaign_source(variants["fi"], "fi", "https://crm.example.fi/")
    assert f"https://crm.example.fi{path}" in source.literals
