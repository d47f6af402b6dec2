"""规划纲要知识库: search and quote planning documents. One entry object, KnowledgeBase, and the typed records
it returns; nothing else of kb/ is for the faces (the app, the CLI)."""
from . import feedback, pageview, verdict
from .answer import asks_for_measures, measures
from .config import Environment, environment
from .errors import BackendUnavailable, BadQuery, ConfigError, IndexBusy, IndexCorrupt, IndexMissing, IndexStale, KBError, ModelMismatch, ModelUnavailable
from .knowledge import KnowledgeBase
from .versions import NotANewVersion
from .query import MAX_QUERY_CHARS
from .diff import (WORDS as DIFF_WORDS, Diff, FigureChange, ParagraphChange, SectionChange, Side)
from ingest import SUFFIXES, BadDocument, sentences
from ingest.document import doc_id_for
from .records import (Answer, added_at, Citation, Counterpart, DocAnswer, Document, Hit, Measure, Passage, Result, SyncStats, chapter_name,
                      subitem_levels, unit_pages, visible)

__all__ = ["KnowledgeBase", "Result", "DocAnswer", "Hit", "Counterpart", "Answer", "Citation", "Measure", "Passage", "Document", "SyncStats",
           "chapter_name", "subitem_levels", "unit_pages", "visible", "added_at", "asks_for_measures", "measures", "pageview", "verdict", "feedback", "sentences", "MAX_QUERY_CHARS", "environment", "Environment",
           "KBError", "IndexMissing", "IndexStale", "IndexCorrupt", "IndexBusy", "ModelMismatch", "ModelUnavailable",
           "BadQuery", "BackendUnavailable", "ConfigError", "Diff", "SectionChange", "ParagraphChange",
           "FigureChange", "Side", "DIFF_WORDS", "BadDocument", "NotANewVersion", "SUFFIXES", "doc_id_for"]
