"""Victories: a won fight's write-up, published (with the member's consent) on the network's
public page and in its Atom feed."""
