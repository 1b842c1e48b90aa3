from rest_framework.pagination import LimitOffsetPagination

API_MAX_PAGE_SIZE = 100


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=`` as asked, but never more than 100 rows a page: every row shown is a person
    read and access-logged, and ``?limit=1000`` once listed the whole front door in one go."""

    max_limit = API_MAX_PAGE_SIZE
