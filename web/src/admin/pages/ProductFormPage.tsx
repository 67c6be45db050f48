import { type FormEvent, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { CreateProductBody, UpdateProductBody } from '../../../../functions/catalog/schemas';
import {
  useAdminCategories,
  useAdminProduct,
  useCreateProduct,
  useDeleteProduct,
  useUpdateProduct,
} from '../../api/admin';
import { isApiError } from '../../api/client';
import type { Product } from '../../api/products';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field, type FieldErrors, formValues, SelectField, useSchemaForm } from '../../components/forms';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { AdminHeading, TextAreaField } from '../components';

/** The form's price as the API takes it: a number, or nothing when the field is empty (the schema says why). */
const priceOf = (text: string | undefined): number | undefined => {
  const trimmed = (text ?? '').trim();
  return trimmed === '' ? undefined : Number(trimmed);
};

/** Refusals without field details that still belong to one field. */
const FIELD_OF_CODE = { SKU_TAKEN: 'sku', UNKNOWN_CATEGORY: 'category' };

interface ProductFieldsProps {
  product?: Product | undefined;
  errors: FieldErrors;
}

const ProductFields = ({ product, errors }: ProductFieldsProps) => {
  const categories = useAdminCategories();
  const names = categories.data?.items.map((category) => category.name) ?? [];
  if (product && !names.includes(product.category)) names.unshift(product.category);
  return (
    <>
      {product ? (
        <p>
          <strong>SKU:</strong> {product.sku} <span className="muted-inline">(a SKU never changes)</span>
        </p>
      ) : (
        <Field
          label="SKU"
          name="sku"
          error={errors.sku}
          hint="Letters, digits, - and _, e.g. CABLE-001. It cannot be changed later."
          autoComplete="off"
          spellCheck={false}
        />
      )}
      <Field label="Name" name="name" error={errors.name} defaultValue={product?.name} autoComplete="off" />
      <TextAreaField
        label="Description"
        name="description"
        error={errors.description}
        defaultValue={product?.description}
        rows={4}
      />
      <Field
        label="Price"
        name="price"
        error={errors.price}
        hint="In USD, e.g. 19.99"
        inputMode="decimal"
        autoComplete="off"
        defaultValue={product ? String(product.price) : undefined}
      />
      <SelectField label="Category" name="category" error={errors.category} defaultValue={product?.category ?? ''}>
        <option value="">Choose a category</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </SelectField>
      {categories.isError && <ErrorMessage error={categories.error} />}
      <Field label="Brand" name="brand" error={errors.brand} defaultValue={product?.brand} autoComplete="off" />
      <Field
        label="Image URL"
        name="image"
        error={errors['images.0'] ?? errors.images}
        hint="A site path such as /images/cable.jpg, or an https URL"
        defaultValue={product?.images[0]}
        autoComplete="off"
        spellCheck={false}
      />
    </>
  );
};

const NewProduct = () => {
  const navigate = useNavigate();
  const create = useCreateProduct();
  const form = useSchemaForm(CreateProductBody);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const image = values.image?.trim() ?? '';
    const body = form.validate({
      sku: values.sku,
      name: values.name,
      description: values.description,
      price: priceOf(values.price),
      category: values.category,
      brand: values.brand,
      images: image ? [image] : [],
    });
    if (!body) return;
    create.mutate(body, {
      onSuccess: (product) =>
        navigate(`/admin/products/${encodeURIComponent(product.id)}`, { state: { created: true } }),
      onError: (error) => form.showApiError(error, FIELD_OF_CODE),
    });
  };
  return (
    <>
      <AdminHeading>New product</AdminHeading>
      <p>
        <Link to="/admin/products">Back to products</Link>
      </p>
      <form ref={form.ref} className="stack" onSubmit={submit} noValidate aria-label="New product">
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <ProductFields errors={form.errors} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create product'}
        </button>
      </form>
    </>
  );
};

const EditForm = ({ product }: { product: Product }) => {
  const navigate = useNavigate();
  const location = useLocation();
  const update = useUpdateProduct(product.id);
  const remove = useDeleteProduct(product.id);
  const form = useSchemaForm(UpdateProductBody);
  const [confirming, setConfirming] = useState(false);
  const created = (location.state as { created?: boolean } | null)?.created === true;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.reset();
    const values = formValues(event.currentTarget);
    const image = values.image?.trim() ?? '';
    const otherImages = product.images.slice(1);
    const body = form.validate({
      name: values.name,
      description: values.description,
      price: priceOf(values.price),
      category: values.category,
      brand: values.brand,
      images: image ? [image, ...otherImages] : otherImages,
    });
    if (!body) return;
    update.mutate(body, { onError: (error) => form.showApiError(error, FIELD_OF_CODE) });
  };
  return (
    <>
      <AdminHeading>{`Edit ${product.name}`}</AdminHeading>
      <p>
        <Link to="/admin/products">Back to products</Link> ·{' '}
        <Link to={`/products/${encodeURIComponent(product.id)}`}>View in the shop</Link> ·{' '}
        <Link to={`/admin/stock?sku=${encodeURIComponent(product.sku)}`}>Set its stock</Link>
      </p>
      {created && !update.isSuccess && (
        <Notice>
          Product created. It has no stock yet:{' '}
          <Link to={`/admin/stock?sku=${encodeURIComponent(product.sku)}`}>set its stock</Link>.
        </Notice>
      )}
      <form ref={form.ref} className="stack" onSubmit={submit} noValidate aria-label={`Edit ${product.name}`}>
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <ProductFields product={product} errors={form.errors} />
        <div className="admin-actions">
          <button type="submit" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
          {update.isSuccess && <Notice>Saved</Notice>}
        </div>
      </form>
      <section aria-labelledby="delete-heading" className="danger-zone">
        <h2 id="delete-heading">Delete</h2>
        <p>Deleting takes the product out of the shop and its search. Past orders keep it.</p>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete product
        </button>
        <ConfirmDialog
          open={confirming}
          title={`Delete ${product.name}?`}
          confirmLabel={remove.isPending ? 'Deleting…' : 'Delete'}
          cancelLabel="Keep it"
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => navigate('/admin/products', { state: { deleted: product.name } }),
              onError: () => setConfirming(false),
            })
          }
        >
          <p>{product.sku} leaves the shop and its search. Orders placed for it keep it.</p>
        </ConfirmDialog>
        <ErrorMessage error={remove.error} />
      </section>
    </>
  );
};

const EditProduct = ({ id }: { id: string }) => {
  const product = useAdminProduct(id);
  if (product.isPending) return <Loading label="Loading the product…" />;
  if (isApiError(product.error, 404)) {
    return (
      <>
        <AdminHeading>Product not found</AdminHeading>
        <p>
          There is no product {id}, or it was deleted. <Link to="/admin/products">Back to products</Link>
        </p>
      </>
    );
  }
  if (product.isError) return <ErrorMessage error={product.error} />;
  return <EditForm key={product.data.id} product={product.data} />;
};

/** `/admin/products/new` creates a product; `/admin/products/:id` edits or deletes one. */
export const ProductFormPage = () => {
  const { id } = useParams();
  return id ? <EditProduct id={id} /> : <NewProduct />;
};
