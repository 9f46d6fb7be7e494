//! The pages, one to a file.

pub mod customer;
pub mod customers;
pub mod data;
pub mod data_import;
pub mod models;
pub mod overview;
pub mod relationship;
pub mod relationship_managers;
pub mod segments;
pub mod settings;
