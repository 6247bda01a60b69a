"""The paging headers of a collection answer: X-WP-Total, X-WP-TotalPages, and a Link to the previous and next page."""

from __future__ import annotations

from yarl import URL


def paging_headers(url: URL, page: int, total: int, total_pages: int) -> dict[str, str]:
    """As WC_REST_CRUD_Controller::get_items: `prev` from page 2 on (at most the last page), `next` before the last."""
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}
    links = []
    if page > 1:
        links.append(f'<{url.update_query(page=str(min(page - 1, total_pages)))}>; rel="prev"')
    if total_pages > page:
        links.append(f'<{url.update_query(page=str(page + 1))}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers
