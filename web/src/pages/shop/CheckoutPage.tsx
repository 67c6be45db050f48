import { PageHeading } from '../../components/PageHeading';

export const CheckoutPage = () => <PageHeading>CheckoutPage</PageHeading>;
