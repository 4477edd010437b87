//! `$util.transform.*`: GraphQL filter inputs to DynamoDB, OpenSearch and
//! subscription filters. The algorithms live in `transform_impl.rs`.

use super::args::any;
use super::transform_impl;
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{from_json, to_json, to_json_string, Value};

/// `$util.transform`
pub static TRANSFORM: super::Namespace = super::Namespace {
    name: "transform",
    path: ".transform",
    functions: &[
        Builtin::new("toDynamoDBFilterExpression", 1, 1, "toDynamoDBFilterExpression(Map) : String", "A filter input as a DynamoDB filter expression (JSON text with expression, expressionNames, expressionValues).", to_dynamodb_filter_expression),
        Builtin::new("toDynamoDBConditionExpression", 1, 1, "toDynamoDBConditionExpression(Map) : String", "A condition input as a DynamoDB condition expression (JSON text).", to_dynamodb_condition_expression),
        Builtin::new("toElasticsearchQueryDSL", 1, 1, "toElasticsearchQueryDSL(Map) : String", "A filter input as an OpenSearch bool query (JSON text).", to_elasticsearch_query_dsl),
        Builtin::new("toSubscriptionFilter", 1, 3, "toSubscriptionFilter(Map filter[, List ignoredFields[, Map rules]]) : Map", "A filter input as an enhanced subscription filter (`filterGroup`).", to_subscription_filter),
    ],
    children: &[],
};

fn as_text(result: Result<serde_json::Value, String>) -> UtilResult {
    match result {
        Ok(serde_json::Value::Null) => Ok(Value::Null),
        Ok(v) => Ok(Value::from(to_json_string(&from_json(&v)))),
        Err(e) => Err(UtilError::Invalid(e)),
    }
}

fn to_dynamodb_filter_expression(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(transform_impl::to_dynamodb_filter_expression(&to_json(
        &input,
    )))
}

fn to_dynamodb_condition_expression(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(transform_impl::to_dynamodb_condition_expression(&to_json(
        &input,
    )))
}

fn to_elasticsearch_query_dsl(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(transform_impl::to_elasticsearch_query_dsl(&to_json(&input)))
}

fn to_subscription_filter(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let filter = to_json(&any(args, 0));
    let ignored = args.get(1).map(to_json);
    let rules = args.get(2).map(to_json);
    transform_impl::to_subscription_filter(&filter, ignored.as_ref(), rules.as_ref())
        .map(|v| from_json(&v))
        .map_err(UtilError::Invalid)
}
