"""The media library's use cases on the in-memory unit of work: upload (variants stored in one
go, audited), alt texts, the listing, serving a variant by its hash, and the images a
campaign's content points to; nothing written when refused."""

from __future__ import annotations

import io
import uuid

import pytest
from newsletter.errors import InvalidInput, NotFound
from newsletter.media import service
from newsletter.media.domain import Media
from newsletter.settings import NewsletterSettings
from PIL import Image

from shared.web.staff import Staff
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

STAFF = Staff(id="e1", role="editor")
SETTINGS = NewsletterSettings(environment="development")


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


async def upload(
    uow: FakeNewsletterUnitOfWork, *, name: str = "Kuva", data: bytes | None = None, **alt: str
) -> uuid.UUID:
    return await service.upload(
        uow,
        staff=STAFF,
        name=name,
        data=png(1300, 650) if data is None else data,
        alt=alt or {"fi": "Kuvaus"},
        settings=SETTINGS,
    )


async def test_an_upload_stores_the_image_and_every_variant_and_is_audited() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow, name="  Opastus  ", fi=" Ohjaaja ", sv="", en="Guide")
    image = uow.images.rows[media_id]
    assert (image.name, image.alt, image.width, image.height, image.created_by) == (
        "Opastus",
        {"fi": "Ohjaaja", "en": "Guide"},
        1300,
        650,
        "e1",
    )
    assert sorted(v for m, v in uow.images.variants if m == media_id) == [
        "original",
        "w1200",
        "w600",
    ]
    assert uow.audit_actions() == ["media.uploaded"]
    assert uow.commits == 1


async def test_an_image_without_a_name_is_named_by_its_format() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow, name=" ")
    assert uow.images.rows[media_id].name == "image.png"


@pytest.mark.parametrize(
    ("data", "alt", "field"),
    [
        (b"not an image at all" * 20, {"fi": "x"}, "file"),
        (None, {"sv": "x" * 501}, "alt-sv"),
    ],
    ids=["not-an-image", "alt-too-long"],
)
async def test_a_refused_upload_stores_and_audits_nothing(
    data: bytes | None, alt: dict[str, str], field: str
) -> None:
    uow = FakeNewsletterUnitOfWork()
    with pytest.raises(InvalidInput) as refused:
        await upload(uow, data=data, **alt)
    assert refused.value.field == field
    assert not uow.images.rows and not uow.images.variants
    assert not uow.published and uow.commits == 0


async def test_alt_texts_are_replaced_cleaned_and_audited_by_language() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow)
    await service.set_alt(
        uow, staff=STAFF, media_id=media_id, alt={"fi": " Uusi ", "sv": "Ny", "en": " "}
    )
    assert uow.images.rows[media_id].alt == {"fi": "Uusi", "sv": "Ny"}
    assert uow.audit_actions() == ["media.uploaded", "media.alt_edited"]
    [*_, (_, _, event)] = uow.published
    assert event.data["details"] == {"languages": ["fi", "sv"]}


async def test_alt_texts_of_an_unknown_image_or_too_long_change_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow)
    commits = uow.commits
    with pytest.raises(NotFound):
        await service.set_alt(uow, staff=STAFF, media_id=uuid.UUID(int=5), alt={"fi": "x"})
    with pytest.raises(InvalidInput):
        await service.set_alt(uow, staff=STAFF, media_id=media_id, alt={"en": "x" * 501})
    assert uow.images.rows[media_id].alt == {"fi": "Kuvaus"}
    assert uow.audit_actions() == ["media.uploaded"] and uow.commits == commits


async def test_the_library_lists_every_variant_and_mails_the_600_px_one() -> None:
    uow = FakeNewsletterUnitOfWork()
    wide = await upload(uow, name="Leveä")
    narrow = await upload(uow, name="Kapea", data=png(300, 200))
    listed = {m["id"]: m for m in await service.library(uow)}
    assert set(listed) == {wide, narrow}
    assert sorted(listed[wide]["variants"]) == ["original", "w1200", "w600"]
    assert "/w600-" in listed[wide]["mail_path"]
    assert sorted(listed[narrow]["variants"]) == ["original"]
    assert "/original-" in listed[narrow]["mail_path"]
    assert listed[wide]["alt"] == {"fi": "Kuvaus", "sv": "", "en": ""}
    assert (await service.one(uow, wide)) == listed[wide]
    with pytest.raises(NotFound):
        await service.one(uow, uuid.UUID(int=9))


async def test_a_variant_is_served_by_its_hash_and_extension_only() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow)
    stored = uow.images.variants[(media_id, "w600")]
    served = await service.serve(uow, media_id, "w600", stored.hash, stored.ext)
    assert (served.data, served.content_type, served.etag) == (
        stored.data,
        "image/png",
        f'"{stored.hash}"',
    )
    for variant, digest, ext in (
        ("w600", "0" * 16, stored.ext),
        ("w600", stored.hash, "jpg"),
        ("w2400", stored.hash, stored.ext),
    ):
        with pytest.raises(NotFound):
            await service.serve(uow, media_id, variant, digest, ext)


async def test_the_images_a_campaign_points_to_come_with_their_mail_address() -> None:
    uow = FakeNewsletterUnitOfWork()
    media_id = await upload(uow, fi="Kuvaus", sv="Beskrivning")
    content = {
        "fi": {"blocks": [{"type": "image", "media": str(media_id)}]},
        "sv": {"blocks": [{"type": "image", "media": "not-a-uuid"}]},
        "en": {"blocks": [{"type": "image", "media": str(uuid.UUID(int=4))}]},
    }
    found = await service.library_of(uow, content)
    assert list(found) == [str(media_id)]
    image, path = found[str(media_id)]
    assert image == Media(str(media_id), "Kuva", {"fi": "Kuvaus", "sv": "Beskrivning"})
    assert path.startswith(f"/newsletter/media/{media_id}/w600-") and path.endswith(".png")
