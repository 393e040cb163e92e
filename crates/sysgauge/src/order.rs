//! Python's dict insertion order for keyed results: psutil builds its dicts by inserting
//! entries as it reads them, so a repeated key keeps the position of its first insertion
//! and the value of its last.

/// `items` with repeated keys merged as a Python dict would merge them: each key at the
/// position it first appeared, with the last value given for it.
pub(crate) fn dict_order<T>(items: impl IntoIterator<Item = (String, T)>) -> Vec<(String, T)> {
    let mut out: Vec<(String, T)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (key, value) in items {
        match index.get(&key) {
            Some(&i) => {
                if let Some(slot) = out.get_mut(i) {
                    slot.1 = value;
                }
            }
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, value));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_position_last_value() {
        let v = super::dict_order([("b".to_string(), 1), ("a".into(), 2), ("b".into(), 3)]);
        assert_eq!(v, vec![("b".to_string(), 3), ("a".to_string(), 2)]);
    }
}
