lint {
  review = ERROR
  latest = 2
  naming {
    match   = "^[a-z_]+$"
    message = "must be lowercase"
    index {
      match = "^idx_"
    }
  }
}

env "dev" {
  lint {
    review = WARNING
    git {
      dir = "./app"
    }
    data_depend {
      error = true
    }
    incompatible {
      error = false
    }
  }
}
