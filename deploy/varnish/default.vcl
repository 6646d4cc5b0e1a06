# Varnish in front of the wiki's servers (Varnish 6 or 7; Debian's `varnish` package).
#
# - Anonymous GET and HEAD requests are answered from the cache. The wiki says which answers a
#   shared cache may keep (Cache-Control s-maxage, set by WIKI_CACHE_SMAXAGE, on the URLs its
#   purges reach; and the content-hashed static files, which are immutable); nothing else is kept.
# - Requests with the wiki's session cookie (logged in, or holding a form's CSRF token) go to the
#   wiki every time, as do all other methods.
# - The wiki sends PURGE for every URL whose page changed (WIKI_PURGE_URLS lists this server);
#   PURGE is accepted only from the addresses in the `purgers` list, others get 403.
#
# Start it with, for example:
#   varnishd -a :6081 -f /etc/varnish/default.vcl -s malloc,256m
# and set on every wiki server:
#   WIKI_PURGE_URLS=http://<this cache>:6081  WIKI_CACHE_SMAXAGE=86400
vcl 4.1;

import directors;

# The wiki servers (gunicorn, `make run` or deploy's own). Add one backend per server.
backend wiki1 {
    .host = "127.0.0.1";
    .port = "5000";
    .probe = { .url = "/static/favicon.svg"; .interval = 5s; .timeout = 2s; .window = 5; .threshold = 3; .initial = 3; }
}
backend wiki2 {
    .host = "127.0.0.1";
    .port = "5001";
    .probe = { .url = "/static/favicon.svg"; .interval = 5s; .timeout = 2s; .window = 5; .threshold = 3; .initial = 3; }
}

# Who may send PURGE: the wiki servers' addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new wiki = directors.round_robin();
    wiki.add_backend(wiki1);
    wiki.add_backend(wiki2);
}

sub vcl_recv {
    set req.backend_hint = wiki.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "PURGE is not allowed from this address"));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)session=") {
        return (pass);
    }
    # Other cookies (analytics, say) change nothing the wiki sends.
    unset req.http.Cookie;
    return (hash);
}

# One site per cache: the URL alone names a page, so a PURGE sent with this server's own
# address as its Host drops what readers fetched under the wiki's public name.
sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(s-maxage=[1-9]|immutable)"
        || beresp.http.Cache-Control ~ "(private|no-store)") {
        # Not for sharing: remember for two minutes to send such requests straight through.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The wiki says must-revalidate: no stale page past its s-maxage. Keeping the object an
    # hour longer lets Varnish revalidate it with its ETag (a 304 from the wiki) instead.
    set beresp.grace = 0s;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    if (resp.status == 403) {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
