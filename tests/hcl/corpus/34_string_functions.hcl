locals {
  name = "  Graticule App  "
}

env "dev" {
  formatted  = format("%s-%03d-%q-%v-%t", "app", 7, "quoted", [1, 2], true)
  joined     = join("/", ["a", "b"], ["c"])
  parts      = split(",", "x,y,,z")
  lowered    = lower(trimspace(local.name))
  uppered    = upper("sqlite")
  replaced   = replace("file://migrations/dev", "dev", "prod")
  json       = jsonencode({ b = [1, true, null], a = "<tag> & more" })
  concat     = concat(["a"], ["b", "c"], [])
  merged     = merge({ a = 1, b = 2 }, { b = 3 }, null)
  titled     = title("hello world-wide")
  trimmed    = trimsuffix(trimprefix("file://x.sql", "file://"), ".sql")
  escaped    = urlescape("p@ss w/rd")
  query      = urlqueryset("postgres://db/app?sslmode=disable", "search_path", "public")
  userinfo   = urluserinfo("mysql://db:3306/app", "root", "p@ss")
  keys       = keys({ z = 1, a = 2 })
  distinct   = distinct(["a", "b", "a"])
  flattened  = flatten([["a"], ["b", ["c"]]])
  numbers    = [abs(-3), ceil(1.2), floor(1.8), max(1, 5, 3), min(4, 2), pow(2, 10), parseint("ff", 16)]
  ranged     = range(3)
  zipped     = zipmap(["a", "b"], [1, 2])
  substr     = substr("graticule", 0, 4)
  contains   = contains(["a", "b"], "b")
  startswith = startswith("file://x", "file://")
}
