(import_declaration [(scoped_identifier) (identifier)] @path) @import
(package_declaration [(scoped_identifier) (identifier)] @name) @package
