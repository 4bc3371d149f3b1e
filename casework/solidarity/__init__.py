"""Solidarity between networks: peers, and the signed messages they exchange.

A network links with another network (on this installation by choosing it, on another by a
one-time invitation); linked networks exchange ActivityStreams 2.0 messages signed with
HTTP Message Signatures (RFC 9421, Ed25519), sent through an outbox and received through one
dispatch whatever their way. The message format, with an example, is in docs/federation.md.

Modules: ``keys`` (a network's key pair), ``messages`` (the documents), ``signing``
(RFC 9421 through ``http-message-signatures``), ``transport`` (HTTP), ``outbox`` (sending,
retries), ``inbox`` (dispatch and the handler registry), ``handlers`` (the link messages),
``peers`` and ``services`` (what coordinators do), ``views`` (the solidarity page) and
``federation_views`` (the endpoints other installations call).
"""
