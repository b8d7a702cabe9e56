//! Built-in aggregate functions.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ListArray, StringArray};
use arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{create_udaf, Accumulator, AggregateUDF, Volatility};

/// Collects the distinct strings of a group, sorted, as a list.
#[derive(Debug, Default)]
struct SortedSetAccumulator {
    seen: BTreeSet<String>,
}

impl Accumulator for SortedSetAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let strings = values[0].as_any().downcast_ref::<StringArray>().expect("utf8 input");
        self.seen.extend(strings.iter().flatten().map(str::to_owned));
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let lists = states[0].as_any().downcast_ref::<ListArray>().expect("list state");
        for list in lists.iter().flatten() {
            self.update_batch(&[list])?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let items: Vec<ScalarValue> = self.seen.iter().map(|s| ScalarValue::Utf8(Some(s.clone()))).collect();
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&items, &DataType::Utf8)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.seen.iter().map(String::len).sum::<usize>()
    }
}

fn list_of_utf8() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

pub fn sorted_set_udaf() -> AggregateUDF {
    create_udaf(
        "sorted_set",
        vec![DataType::Utf8],
        Arc::new(list_of_utf8()),
        Volatility::Immutable,
        Arc::new(|_args: AccumulatorArgs| Ok(Box::<SortedSetAccumulator>::default())),
        Arc::new(vec![list_of_utf8()]),
    )
}

pub fn builtin_udafs() -> Vec<Arc<AggregateUDF>> {
    vec![Arc::new(sorted_set_udaf())]
}
