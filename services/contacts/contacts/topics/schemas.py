"""Request and response shapes of the topics API."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, Field

from contacts.topics.domain import Topic


class TopicIn(BaseModel):
    key: str = Field(max_length=50)
    name_fi: str = Field(max_length=120)
    name_sv: str = Field("", max_length=120)
    name_en: str = Field("", max_length=120)
    position: int = 0


class TopicPatch(BaseModel):
    name_fi: str | None = Field(None, max_length=120)
    name_sv: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    position: int | None = None
    archived: bool | None = None


class TopicOut(BaseModel):
    key: str
    name_fi: str
    name_sv: str
    name_en: str
    position: int
    archived: bool

    @classmethod
    def of(cls, topic: Topic) -> TopicOut:
        return cls.model_validate(asdict(topic))
