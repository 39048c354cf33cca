"""The sorts of interface that are not code, as the `detail` of an `api` signal names them.

A detail starts with its interface (`"crd field (v1)"`, `"rbac rule: ClusterRole get, list"`); a change
that breaks peers, stored resources or installs says so after the colon (`"proto field: breaking, type …"`,
`"image: breaking, org/old:1 → org/new:1"`).
Scoring reads these to rank schema and deployment facts by their own rules, not as code API.
"""

from __future__ import annotations

from enum import StrEnum

from changeradar.model import Signal, SignalKind


class Interface(StrEnum):
    CRD_FIELD = "crd field"
    CRD_VERSION = "crd version"
    PROTO_MESSAGE = "proto message"
    PROTO_FIELD = "proto field"
    PROTO_ENUM = "proto enum"
    PROTO_ENUM_VALUE = "proto enum value"
    PROTO_SERVICE = "proto service"
    RPC = "rpc"
    OPENAPI_OPERATION = "openapi operation"
    OPENAPI_PROPERTY = "openapi property"
    HELM_VALUE = "helm value"
    RBAC_RULE = "rbac rule"
    WORKLOAD = "workload"
    IMAGE = "image"


class Surface(StrEnum):
    """What a dependent team meets an interface as."""

    SCHEMA = "schema"  # the resources, messages and requests it sends and stores
    DEPLOYMENT = "deployment"  # how it installs and runs the software
    IMAGE = "image"  # the container images it publishes, which installs pull by name


BREAKING = "breaking"
_DEPLOYMENT = frozenset({Interface.HELM_VALUE, Interface.RBAC_RULE, Interface.WORKLOAD})
_INTERFACES = {interface.value: interface for interface in Interface}


def surface_of(signal: Signal) -> Surface | None:
    """The surface an `api` signal's interface belongs to; None for code API."""
    interface = _interface(signal)
    if interface is None:
        return None
    if interface is Interface.IMAGE:
        return Surface.IMAGE
    return Surface.DEPLOYMENT if interface in _DEPLOYMENT else Surface.SCHEMA


def interface_of(signal: Signal) -> tuple[Interface, str] | None:
    """The interface an `api` signal names and the rest of its detail ("v1", "breaking, a → b"); None
    for code API."""
    interface = _interface(signal)
    if interface is None:
        return None
    rest = signal.detail[len(interface) :].strip(" :")
    if rest.startswith("("):  # "(v1)" → "v1"; "(v1, v1beta1): a → b" → "v1, v1beta1: a → b"
        inside, closed, after = rest[1:].partition(")")
        rest = inside + after if closed else rest
    return interface, rest


def is_breaking(signal: Signal) -> bool:
    return f": {BREAKING}," in signal.detail


def _interface(signal: Signal) -> Interface | None:
    """The interface a detail starts with: all of it, or what comes before " (" or ":". Asked for every
    fact of every commit, so one dictionary look-up rather than a scan of every interface."""
    if signal.kind is not SignalKind.API:
        return None
    return _INTERFACES.get(signal.detail.partition(":")[0].partition(" (")[0])
