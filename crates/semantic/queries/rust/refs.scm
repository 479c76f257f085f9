(type_identifier) @name
