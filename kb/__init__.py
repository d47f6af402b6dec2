"""规划纲要知识库: search and quote planning documents. One entry object, KnowledgeBase."""
from .errors import (BackendUnavailable, BadQuery, IndexBusy, IndexCorrupt, IndexMissing, IndexStale, KBError,
                     ModelMismatch, ModelUnavailable)
from .knowledge import KnowledgeBase
from .records import Answer, Citation, Hit, Result

__all__ = ["KnowledgeBase", "Result", "Hit", "Answer", "Citation", "KBError", "IndexMissing", "IndexStale",
           "IndexCorrupt", "IndexBusy", "ModelMismatch", "ModelUnavailable", "BadQuery", "BackendUnavailable"]
