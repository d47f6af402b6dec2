"""规划纲要知识库: search and quote planning documents. One entry object, KnowledgeBase."""
from .answer import asks_for_measures, measures
from .errors import (BackendUnavailable, BadQuery, ConfigError, IndexBusy, IndexCorrupt, IndexMissing, IndexStale,
                     KBError, ModelMismatch, ModelUnavailable)
from .knowledge import KnowledgeBase
from .records import Answer, Citation, Hit, Measure, Result

__all__ = ["KnowledgeBase", "Result", "Hit", "Answer", "Citation", "Measure", "asks_for_measures", "measures",
           "KBError", "IndexMissing", "IndexStale", "IndexCorrupt", "IndexBusy", "ModelMismatch", "ModelUnavailable",
           "BadQuery", "BackendUnavailable", "ConfigError"]
