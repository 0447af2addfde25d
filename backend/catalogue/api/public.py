"""Anyone, logged in or not: the approved agencies, the citizens' catalogue (personal to a logged-in
citizen: favourites, recently used, their age) and the open-data export."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from backend.catalogue import service
from backend.catalogue.api.citizen import propose_agency
from backend.catalogue.published import Catalogue
from backend.catalogue.schemas import AgencyView, CatalogueView, Category, Language, LifeEvent, OpenTile
from backend.core.principal import Principal
from backend.core.resources import Resources

_OPEN_DATA_HEADERS = {"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"}


@get("/agencies", tags=["catalogue"], summary="Approved agencies")
async def list_agencies(resources: NamedDependency[Resources]) -> list[AgencyView]:
    return await service.agencies(resources, "approved")


@get(
    "/tiles",
    tags=["catalogue"],
    summary="The catalogue: favourites and recent first, by category and life event",
)
async def citizen_catalogue(
    optional_principal: NamedDependency[Principal | None],
    catalogue: NamedDependency[Catalogue],
    lang: FromQuery[Language] = "th",
    q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    category: FromQuery[Category | None] = None,
    life_event: FromQuery[LifeEvent | None] = None,
) -> CatalogueView:
    return await catalogue.for_citizen(
        language=lang, query=q, category=category, life_event=life_event,
        citizen_id=optional_principal.citizen_id if optional_principal else None,
        prefetched=optional_principal.prefetched if optional_principal else None,
    )  # fmt: skip


@get(
    "/open/catalogue.json",
    tags=["open data"],
    summary="The published catalogue, both languages, no login",
)
async def open_catalogue_json(catalogue: NamedDependency[Catalogue]) -> Response[list[OpenTile]]:
    return Response(await catalogue.open_tiles(), headers=_OPEN_DATA_HEADERS)


@get(
    "/open/catalogue.csv",
    tags=["open data"],
    summary="The published catalogue as CSV (UTF-8), no login",
    media_type="text/csv; charset=utf-8",
)
async def open_catalogue_csv(catalogue: NamedDependency[Catalogue]) -> Response[str]:
    return Response(
        "\ufeff" + await catalogue.open_tiles_csv(),  # a byte-order mark so spreadsheets read Thai as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={**_OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="catalogue.csv"'},
    )


router = Router(
    "/api/v1",
    # propose_agency (any logged-in person, guarded on its handler) shares its path with list_agencies
    route_handlers=[
        list_agencies,
        propose_agency,
        citizen_catalogue,
        open_catalogue_json,
        open_catalogue_csv,
    ],
)
