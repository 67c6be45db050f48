import { type FormEvent, useEffect, useRef, useState } from 'react';
import { CreateCategoryBody, UpdateCategoryBody } from '../../../../functions/catalog/schemas';
import { useAdminCategories, useCreateCategory, useUpdateCategory } from '../../api/admin';
import type { Category } from '../../api/products';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { AdminHeading, TextAreaField } from '../components';

const NewCategory = () => {
  const create = useCreateCategory();
  const form = useSchemaForm(CreateCategoryBody);
  const [created, setCreated] = useState<string>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(undefined);
    const element = event.currentTarget;
    const values = formValues(element);
    const body = form.validate({ name: values.name, description: values.description });
    if (!body) return;
    create.mutate(body, {
      onSuccess: (category) => {
        element.reset();
        setCreated(category.name);
      },
      onError: (error) => form.showApiError(error, { CATEGORY_EXISTS: 'name' }),
    });
  };
  return (
    <section aria-labelledby="new-category-heading" className="panel">
      <h2 id="new-category-heading">New category</h2>
      <form ref={form.ref} className="stack" onSubmit={submit} noValidate aria-labelledby="new-category-heading">
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <Field label="Name" name="name" error={form.errors.name} autoComplete="off" />
        <TextAreaField label="Description" name="description" error={form.errors.description} rows={2} />
        <div className="admin-actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create category'}
          </button>
          {created && <Notice>Category {created} created</Notice>}
        </div>
      </form>
    </section>
  );
};

const EditCategory = ({ category, onDone }: { category: Category; onDone: (saved: boolean) => void }) => {
  const update = useUpdateCategory(category.id);
  const form = useSchemaForm(UpdateCategoryBody);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const body = form.validate({ name: values.name, description: values.description });
    if (!body) return;
    update.mutate(body, {
      onSuccess: () => onDone(true),
      onError: (error) => form.showApiError(error, { CATEGORY_RENAME_UNSUPPORTED: 'name' }),
    });
  };
  const headingId = `edit-${category.id}`;
  return (
    <form ref={form.ref} className="stack" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        Edit {category.name}
      </h3>
      <ErrorMessage>{form.errors._form}</ErrorMessage>
      <Field
        label="Name"
        name="name"
        error={form.errors.name}
        defaultValue={category.name}
        hint={`Only letter case and spacing may change: the category's id (${category.id}) stays.`}
        autoComplete="off"
      />
      <TextAreaField
        label="Description"
        name="description"
        error={form.errors.description}
        defaultValue={category.description}
        rows={3}
      />
      <div className="admin-actions">
        <button type="submit" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save category'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
};

const CategoryItem = ({ category }: { category: Category }) => {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (!editing && returnFocus.current) editRef.current?.focus();
  }, [editing]);
  return (
    <li className="category-item">
      {editing ? (
        <EditCategory
          category={category}
          onDone={(wasSaved) => {
            returnFocus.current = true;
            setSaved(wasSaved);
            setEditing(false);
          }}
        />
      ) : (
        <>
          <h3>{category.name}</h3>
          <p className="muted">Id: {category.id}</p>
          <p>{category.description || <span className="muted-inline">No description.</span>}</p>
          <div className="admin-actions">
            <button
              ref={editRef}
              type="button"
              className="secondary"
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              Edit<span className="visually-hidden"> {category.name}</span>
            </button>
            {saved && <Notice>Saved</Notice>}
          </div>
        </>
      )}
    </li>
  );
};

/** The catalog's categories: created here, and their name (letter case, spacing) and description edited. */
export const CategoriesPage = () => {
  const categories = useAdminCategories();
  return (
    <>
      <AdminHeading>Categories</AdminHeading>
      <NewCategory />
      <section aria-labelledby="all-categories-heading">
        <h2 id="all-categories-heading">All categories</h2>
        {categories.isPending && <Loading label="Loading categories…" />}
        <ErrorMessage error={categories.error} />
        {categories.isSuccess && categories.data.items.length === 0 && <p>No categories yet.</p>}
        <ul className="category-list">
          {categories.data?.items.map((category) => (
            <CategoryItem key={category.id} category={category} />
          ))}
        </ul>
      </section>
    </>
  );
};
