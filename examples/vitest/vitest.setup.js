import 'appsync-vtl/vitest'
