(import_spec path: (_) @path) @import
(package_clause (package_identifier) @name) @package
