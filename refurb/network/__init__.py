"""The network of workshops as a whole: transfers of devices between workshops (chain of
custody) and the network's figures. Tables here belong to two workshops or to none, so they
are not TenantScoped: every query names the workshops it reads (refurb.network.transfers)."""
